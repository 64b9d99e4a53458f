#!/usr/bin/env bash
# Lints the Jenkinsfile, then runs the real file under Groovy 2.4 (the line Jenkins runs) with
# test/pipeline's harness. Groovy comes from Maven Central into .cache/ on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
GROOVY_VERSION=2.4.21
JAR=".cache/groovy/groovy-all-${GROOVY_VERSION}.jar"
if [ ! -f "$JAR" ]; then
  echo "fetching groovy-all ${GROOVY_VERSION} from Maven Central (first run only; Maven's lines follow)"
  mvn -B -ntp dependency:copy -Dartifact="org.codehaus.groovy:groovy-all:${GROOVY_VERSION}" -DoutputDirectory=.cache/groovy
fi
echo "npm-groovy-lint Jenkinsfile"
npx npm-groovy-lint --noserver --failon warning --output txt Jenkinsfile

rm -rf build/pipeline
java -cp "$JAR" org.codehaus.groovy.tools.FileSystemCompiler -d build/pipeline \
  test/pipeline/PipelineHarness.groovy test/pipeline/hudson/AbortException.groovy \
  test/pipeline/org/jenkinsci/plugins/workflow/steps/*.groovy test/pipeline/jenkins/model/*.groovy
java -cp "$JAR:build/pipeline" groovy.ui.GroovyMain test/pipeline/JenkinsfileTest.groovy
