import groovy.json.JsonOutput

/**
 * Tests of the real Jenkinsfile, run by PipelineHarness. The runner is scripted per region:
 * `outcomes` maps "env region" to the exit code its backup returns (default 0).
 */
File root = new File(getClass().protectionDomain.codeSource.location.path).parentFile.parentFile.parentFile
File jenkinsfile = new File(root, 'Jenkinsfile')

PipelineHarness harness(Map opts = [:]) {
    Map regions = opts.regions ?: [dev: ['ap-northeast-1', 'us-west-2', 'us-east-1'], prod: ['ap-northeast-1', 'us-west-2']]
    Map outcomes = opts.outcomes ?: [:]
    PipelineHarness h = new PipelineHarness(jenkinsfile: opts.jenkinsfile, params: opts.params ?: [:])
    if (opts.timer) {
        h.causes = ['hudson.triggers.TimerTrigger$TimerTriggerCause']
    }
    if (opts.env) {
        h.env.putAll(opts.env)
    }
    h.parametersUnknown = opts.parametersUnknown ?: false
    h.shHandler = { String script ->
        def regionsCall = script =~ /ssm-backup regions --env (\S+)/
        if (regionsCall) {
            return JsonOutput.toJson(regions[regionsCall[0][1]])
        }
        def backupCall = script =~ /ssm-backup backup --env (\S+) --region (\S+).*--summary-file (\S+)/
        if (backupCall) {
            String environment = backupCall[0][1]
            String region = backupCall[0][2]
            def outcome = outcomes["${environment} ${region}".toString()] ?: 0
            if (outcome == 'hang') {
                // The runner, signalled by the expiring timeout, still writes its summary.
                h.files[backupCall[0][3]] = JsonOutput.toJson([environment: environment, status: 'interrupted',
                    regions: [[region: region, status: 'interrupted']]])
                return [hang: true]
            }
            if (outcome == 'abort') {
                return [abort: true]
            }
            int code = outcome
            String status = [0: 'ok', 1: 'failed', 2: 'failed', 3: 'empty'][code]
            Map regionSummary = [region: region, status: status, parameterCount: code == 0 ? 12 : 0]
            if (code == 0) {
                regionSummary.key = "2026-11-29/ssm-backup-${environment}-20261129_130000.json".toString()
            }
            h.files[backupCall[0][3]] = JsonOutput.toJson([environment: environment, status: status, regions: [regionSummary]])
            return code
        }
        return 0
    }
    return h
}

Map tests = [:]

tests['declares the job as the old one did: parameters, options, agent'] = {
    PipelineRun run = harness(jenkinsfile: jenkinsfile).run()
    assert run.parameterDefinitions.find { it.name == 'ENVIRONMENT' }.choices == ['dev', 'prod']
    // The nightly build's list and the choices must not drift apart.
    assert run.binding.getVariable('ENVIRONMENTS') == ['dev', 'prod']
    Map dryRun = run.parameterDefinitions.find { it.name == 'DRY_RUN' }
    assert dryRun.type == 'boolean' && dryRun.defaultValue == false
    assert run.options.timestamps
    assert run.options.timeout == [time: 60, unit: 'MINUTES']
    assert run.options.buildDiscarder == [logRotator: [daysToKeepStr: '30', numToKeepStr: '100']]
    assert run.options.disableConcurrentBuilds
    assert run.agentLabel == 'ec2-fleet'
    assert run.parameterDefinitions.find { it.name == 'AWS_REGION' }.defaultValue == 'ap-northeast-1'
    assert run.parameterDefinitions.find { it.name == 'AGENT_LABEL' }.defaultValue == 'ec2-fleet'
}

tests['the home region and the agent label are parameters, set explicitly, with the old job\'s values by default'] = {
    PipelineRun run = harness(jenkinsfile: jenkinsfile).run()
    assert run.env.AWS_REGION.toString() == 'ap-northeast-1'
    assert run.agentLabel == 'ec2-fleet'
    PipelineRun chosen = harness(jenkinsfile: jenkinsfile, params: [AWS_REGION: 'us-west-2', AGENT_LABEL: 'backup-small']).run()
    assert chosen.env.AWS_REGION.toString() == 'us-west-2'
    assert chosen.agentLabel == 'backup-small'
}

tests['a region that hangs until its stage timeout fails its environment; the next environment still runs'] = {
    PipelineRun run = harness(jenkinsfile: jenkinsfile, timer: true, outcomes: ['dev us-west-2': 'hang']).run()
    assert run.stepsNamed('timeout-expired').size() == 1
    assert run.stageStatus('Backup dev ap-northeast-1') == 'SUCCESS'
    assert run.stageStatus('Backup dev us-west-2') == 'FAILURE'
    assert !run.stageNames().contains('Backup dev us-east-1')
    assert run.stageStatus('Backup prod ap-northeast-1') == 'SUCCESS'
    assert run.stageStatus('Backup prod us-west-2') == 'SUCCESS'
    assert run.currentBuild.currentResult == 'FAILURE'
    assert run.echoes.any { it.contains('dev us-west-2: no result within 10 minutes') }
    // The interrupted region wrote its summary: it ran, it was not "not started".
    List description = run.currentBuild.description.split('\n') as List
    assert description.contains('dev us-west-2: interrupted, 0 parameters, -')
    assert description.contains('dev us-east-1: not started')
}

tests['a person aborting the build stops it: no later region or environment runs'] = {
    PipelineRun run = harness(jenkinsfile: jenkinsfile, timer: true, outcomes: ['dev us-west-2': 'abort']).run()
    assert run.stageStatus('Backup dev us-west-2') == 'ABORTED'
    assert !run.stageNames().any { it.startsWith('Backup prod') }
    assert run.currentBuild.currentResult == 'ABORTED'
}

tests['the nightly cron is 13:00 UTC, as the old job'] = {
    PipelineRun run = harness(jenkinsfile: jenkinsfile).run()
    assert run.triggers == [[cron: '0 13 * * *']]
}

tests['prepare checks Node, installs with npm ci and builds, before any backup'] = {
    PipelineRun run = harness(jenkinsfile: jenkinsfile).run()
    List scripts = run.shScripts()
    assert scripts[0] == 'node --version'
    // Lean: only what the runner needs, no test tools or Pulumi SDK.
    // Build, then prune to what the runner needs at run time.
    assert scripts[1] == 'npm ci --no-audit --no-fund'
    assert scripts[2] == 'npm prune --omit=dev --no-audit --no-fund'
    assert scripts[3] == 'npx --no-install ssm-backup --version'
    assert scripts.findIndexOf { it.contains('ssm-backup backup') } > 3
}

tests['a build before the job knows its parameters (the first) writes nothing and says so'] = {
    PipelineRun run = harness(jenkinsfile: jenkinsfile, parametersUnknown: true).run()
    assert !run.shScripts().any { it.contains('ssm-backup backup') || it.contains('ssm-backup regions') }
    assert run.stageStatus('Back up') == 'SKIPPED'
    assert run.currentBuild.currentResult == 'SUCCESS'
    assert run.currentBuild.description.contains('nothing was backed up or written')
    // The same job with its parameters known backs up.
    PipelineRun known = harness(jenkinsfile: jenkinsfile).run()
    assert known.shScripts().any { it.contains('ssm-backup backup') }
}

tests['three regions run in order as three stages, each with a 10-minute timeout and a pace that ends in 9'] = {
    PipelineRun run = harness(jenkinsfile: jenkinsfile, params: [ENVIRONMENT: 'dev']).run()
    assert run.stageNames() == ['Prepare', 'Back up', 'Resolve regions', 'Backup ap-northeast-1', 'Backup us-west-2', 'Backup us-east-1']
    assert run.stages.every { it.status == 'SUCCESS' }
    assert run.currentBuild.currentResult == 'SUCCESS'
    List backups = run.shScripts().findAll { it.contains('ssm-backup backup') }
    assert backups == ['ap-northeast-1', 'us-west-2', 'us-east-1'].collect {
        ("npx --no-install ssm-backup backup --env dev --region ${it} --finish-within 9m " +
            "--summary-file backup-summaries/dev-${it}.json").toString()
    }
    List timeouts = run.stepsNamed('timeout')
    assert timeouts*.stage == ['Backup ap-northeast-1', 'Backup us-west-2', 'Backup us-east-1']
    assert timeouts.every { it.args == [time: 10, unit: 'MINUTES'] }
}

tests['a failing second region stops the third and fails the build'] = {
    PipelineRun run = harness(jenkinsfile: jenkinsfile, params: [ENVIRONMENT: 'dev'], outcomes: ['dev us-west-2': 1]).run()
    assert run.stageStatus('Backup ap-northeast-1') == 'SUCCESS'
    assert run.stageStatus('Backup us-west-2') == 'FAILURE'
    assert !run.stageNames().contains('Backup us-east-1')
    assert !run.shScripts().any { it.contains('--region us-east-1') }
    assert run.currentBuild.currentResult == 'FAILURE'
    assert run.currentBuild.description.contains('dev us-east-1: not started')
}

tests['exit 3 marks the build UNSTABLE and the next region still runs'] = {
    PipelineRun run = harness(jenkinsfile: jenkinsfile, params: [ENVIRONMENT: 'dev'], outcomes: ['dev ap-northeast-1': 3]).run()
    assert run.stageStatus('Backup ap-northeast-1') == 'UNSTABLE'
    assert run.stageStatus('Backup us-west-2') == 'SUCCESS'
    assert run.stageStatus('Backup us-east-1') == 'SUCCESS'
    assert run.currentBuild.currentResult == 'UNSTABLE'
    assert run.stepsNamed('slackSend').isEmpty()
}

tests['a configuration error (exit 2) fails the build like any failure'] = {
    PipelineRun run = harness(jenkinsfile: jenkinsfile, params: [ENVIRONMENT: 'prod'], outcomes: ['prod ap-northeast-1': 2]).run()
    assert run.stageStatus('Backup ap-northeast-1') == 'FAILURE'
    assert !run.stageNames().contains('Backup us-west-2')
    assert run.currentBuild.currentResult == 'FAILURE'
}

tests['DRY_RUN passes --dry-run to every region'] = {
    PipelineRun run = harness(jenkinsfile: jenkinsfile, params: [ENVIRONMENT: 'prod', DRY_RUN: true]).run()
    List backups = run.shScripts().findAll { it.contains('ssm-backup backup') }
    assert backups.size() == 2 && backups.every { it.contains(' --dry-run ') }
    PipelineRun real = harness(jenkinsfile: jenkinsfile, params: [ENVIRONMENT: 'prod']).run()
    assert !real.shScripts().any { it.contains('--dry-run') }
}

tests['a manual build backs up only the chosen environment'] = {
    PipelineRun run = harness(jenkinsfile: jenkinsfile, params: [ENVIRONMENT: 'prod']).run()
    List backups = run.shScripts().findAll { it.contains('ssm-backup ') && !it.contains('--version') }
    assert backups.every { it.contains('--env prod') }
    assert run.stageNames().containsAll(['Backup ap-northeast-1', 'Backup us-west-2'])
}

tests['the nightly timer build backs up every environment, each region as its own stage'] = {
    PipelineRun run = harness(jenkinsfile: jenkinsfile, timer: true).run()
    assert run.stageNames() == ['Prepare', 'Back up',
        'Resolve regions dev', 'Backup dev ap-northeast-1', 'Backup dev us-west-2', 'Backup dev us-east-1',
        'Resolve regions prod', 'Backup prod ap-northeast-1', 'Backup prod us-west-2']
    assert run.currentBuild.currentResult == 'SUCCESS'
}

tests['nightly: a failed dev region stops dev, prod still gets its backup, the build fails'] = {
    PipelineRun run = harness(jenkinsfile: jenkinsfile, timer: true, outcomes: ['dev ap-northeast-1': 1]).run()
    assert run.stageStatus('Backup dev ap-northeast-1') == 'FAILURE'
    assert !run.stageNames().contains('Backup dev us-west-2')
    assert run.stageStatus('Backup prod ap-northeast-1') == 'SUCCESS'
    assert run.stageStatus('Backup prod us-west-2') == 'SUCCESS'
    assert run.currentBuild.currentResult == 'FAILURE'
}

tests['summaries are archived and make the description: status, count, key per region'] = {
    PipelineRun run = harness(jenkinsfile: jenkinsfile, params: [ENVIRONMENT: 'dev'], outcomes: ['dev us-east-1': 3]).run()
    assert run.stepsNamed('archiveArtifacts')*.args == [[artifacts: 'backup-summaries/*.json', allowEmptyArchive: true]]
    assert !run.currentBuild.description.contains('<')
    assert run.currentBuild.description.split('\n') as List == [
        'dev ap-northeast-1: ok, 12 parameters, 2026-11-29/ssm-backup-dev-20261129_130000.json',
        'dev us-west-2: ok, 12 parameters, 2026-11-29/ssm-backup-dev-20261129_130000.json',
        'dev us-east-1: empty, 0 parameters, -',
    ]
    assert run.echoes.any { it.startsWith('Backup summary\ndev ap-northeast-1: ok') }
}

tests['nothing with values is archived: only the summary files'] = {
    PipelineRun run = harness(jenkinsfile: jenkinsfile).run()
    assert run.stepsNamed('archiveArtifacts').every { it.args.artifacts == 'backup-summaries/*.json' }
    assert !run.shScripts().any { it.contains('> ') || it.contains('tee ') }
}

tests['the failure notification fires only on failure, and Slack only with a channel'] = {
    PipelineRun ok = harness(jenkinsfile: jenkinsfile, env: [SLACK_CHANNEL: '#ops']).run()
    assert ok.stepsNamed('slackSend').isEmpty()
    PipelineRun failed = harness(jenkinsfile: jenkinsfile, env: [SLACK_CHANNEL: '#ops'], outcomes: ['dev ap-northeast-1': 1]).run()
    List slack = failed.stepsNamed('slackSend')
    assert slack.size() == 1
    assert slack[0].args.channel == '#ops' && slack[0].args.color == 'danger'
    assert slack[0].args.message.contains('FAILURE')
    PipelineRun quiet = harness(jenkinsfile: jenkinsfile, outcomes: ['dev ap-northeast-1': 1]).run()
    assert quiet.stepsNamed('slackSend').isEmpty()
    assert quiet.currentBuild.currentResult == 'FAILURE'
    assert quiet.echoes.any { it.startsWith('SSM backup FAILURE') }
}

int passed = 0
int failed = 0
tests.each { String name, Closure test ->
    try {
        test()
        passed++
        println "  ok   ${name}"
    } catch (Throwable e) {
        failed++
        println "  FAIL ${name}\n${e.toString().readLines().collect { '       ' + it }.join('\n')}"
    }
}
println "\npipeline: ${passed} passed, ${failed} failed"
System.exit(failed ? 1 : 0)
