import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import org.codehaus.groovy.control.CompilerConfiguration

/**
 * Runs the real Jenkinsfile on Groovy 2.4 (the line Jenkins runs) with the declarative keywords and
 * the pipeline steps it uses recorded or scripted. Declarative semantics it reproduces: stages in
 * order, a failing stage skips the rest, `post` conditions by build result, scripted `stage` inside
 * `script`, `unstable` and `error`. `sh` is answered by the test's handler.
 */
class PipelineHarness {
    File jenkinsfile
    Map params = [:]
    List causes = ['hudson.model.Cause$UserIdCause']
    /** A build before Jenkins knows the parameters (its first): `params` has defaults, the environment none. */
    boolean parametersUnknown = false
    Map env = [BUILD_NUMBER: '42', JOB_NAME: 'Admin_Jobs/ssm-backup', BUILD_URL: 'https://jenkins.example/job/ssm-backup/42/']
    /**
     * (String script) -> Integer exit code | String stdout | Map [status:, stdout:] | [hang: true] (never
     * returns: the enclosing timeout expires) | [abort: true] (a person aborts the build meanwhile)
     */
    Closure shHandler = { String script -> 0 }
    /** Files the steps can see (fileExists, readJSON); the sh handler may write to it. */
    Map<String, String> files = [:]

    PipelineRun run() {
        PipelineRun run = new PipelineRun(harness: this)
        CompilerConfiguration config = new CompilerConfiguration()
        config.scriptBaseClass = PipelineScript.name
        Binding binding = new Binding()
        GroovyShell shell = new GroovyShell(this.class.classLoader, binding, config)
        PipelineScript script = (PipelineScript) shell.parse(jenkinsfile.text, 'Jenkinsfile')
        script.attach(run)
        run.binding = binding
        binding.setVariable('env', run.env)
        binding.setVariable('params', run.params)
        binding.setVariable('currentBuild', run.currentBuild)
        run.env.putAll(env)
        script.run()
        return run
    }
}

class PipelineRun {
    PipelineHarness harness
    Binding binding
    Map env = [:]
    Map params = [:]
    CurrentBuild currentBuild = new CurrentBuild()
    List<Map> steps = []
    List<Map> stages = []
    Map options = [:]
    List parameterDefinitions = []
    List triggers = []
    String agentLabel
    List<String> echoes = []

    List<String> stageNames() { stages*.name }
    String stageStatus(String name) { stages.find { it.name == name }?.status }
    List<Map> stepsNamed(String name) { steps.findAll { it.step == name } }
    List<String> shScripts() { stepsNamed('sh')*.script }
}

class CurrentBuild {
    String result
    String displayName
    String description
    List causes = []
    String getCurrentResult() { result ?: 'SUCCESS' }
    List getBuildCauses(String className) { causes.findAll { it == className } }

    /** Results only get worse. */
    void worsen(String to) {
        List order = ['SUCCESS', 'UNSTABLE', 'FAILURE', 'ABORTED']
        if (order.indexOf(to) > order.indexOf(currentResult)) {
            result = to
        }
    }
}

/** The declarative structure, collected before anything runs. */
class DeclarativeStage {
    String name
    Closure steps
    Closure when
}

class PipelineSpec {
    PipelineRun run
    List<DeclarativeStage> stages = []
    Map<String, Closure> post = [:]

    void agent(Closure body) { body.delegate = new AgentSpec(run: run); body.resolveStrategy = Closure.DELEGATE_FIRST; body() }
    void options(Closure body) { body.delegate = new OptionsSpec(run: run); body.resolveStrategy = Closure.DELEGATE_FIRST; body() }
    void parameters(Closure body) { body.delegate = new ParametersSpec(run: run); body.resolveStrategy = Closure.DELEGATE_FIRST; body() }
    void triggers(Closure body) { body.delegate = new TriggersSpec(run: run); body.resolveStrategy = Closure.DELEGATE_FIRST; body() }
    void environment(Closure body) { body.delegate = new EnvironmentSpec(run: run); body.resolveStrategy = Closure.DELEGATE_FIRST; body() }
    void stages(Closure body) { body.delegate = new StagesSpec(spec: this); body.resolveStrategy = Closure.DELEGATE_FIRST; body() }
    void post(Closure body) { body.delegate = new PostSpec(spec: this); body.resolveStrategy = Closure.DELEGATE_FIRST; body() }
}

class AgentSpec {
    PipelineRun run
    void label(Object label) { run.agentLabel = label?.toString() }
}

/** A step that never returns; only an enclosing `timeout` ends it. */
class Hang extends RuntimeException {
    Hang(String script) { super("hung: ${script}") }
}

class OptionsSpec {
    PipelineRun run
    void timestamps() { run.options.timestamps = true }
    void timeout(Map args) { run.options.timeout = args }
    void buildDiscarder(Object strategy) { run.options.buildDiscarder = strategy }
    Map logRotator(Map args) { [logRotator: args] }
    void disableConcurrentBuilds() { run.options.disableConcurrentBuilds = true }
}

class ParametersSpec {
    PipelineRun run
    void choice(Map args) { run.parameterDefinitions << ([type: 'choice'] + args) }
    void string(Map args) { run.parameterDefinitions << ([type: 'string'] + args) }
    void booleanParam(Map args) { run.parameterDefinitions << ([type: 'boolean'] + args) }
}

class TriggersSpec {
    PipelineRun run
    void cron(String spec) { run.triggers << [cron: spec] }
}

class EnvironmentSpec {
    PipelineRun run
    def propertyMissing(String name, value) { run.env[name] = value }
}

class StagesSpec {
    PipelineSpec spec
    void stage(String name, Closure body) {
        DeclarativeStage stage = new DeclarativeStage(name: name)
        body.delegate = new StageSpec(stage: stage)
        body.resolveStrategy = Closure.DELEGATE_FIRST
        body()
        spec.stages << stage
    }
}

class StageSpec {
    DeclarativeStage stage
    void steps(Closure body) { stage.steps = body }
    /** `when { expression { ... } }`: the stage runs when the expression is true. */
    void when(Closure body) {
        WhenSpec spec = new WhenSpec()
        body.delegate = spec
        body.resolveStrategy = Closure.DELEGATE_FIRST
        body()
        stage.when = spec.condition
    }
}

class WhenSpec {
    Closure condition
    void expression(Closure body) { condition = body }
}

/** Explicit methods, not methodMissing: steps inside the post blocks must fall through to the script. */
class PostSpec {
    PipelineSpec spec
    void always(Closure body) { spec.post.always = body }
    void success(Closure body) { spec.post.success = body }
    void failure(Closure body) { spec.post.failure = body }
    void unstable(Closure body) { spec.post.unstable = body }
    void aborted(Closure body) { spec.post.aborted = body }
    void changed(Closure body) { spec.post.changed = body }
    void fixed(Closure body) { spec.post.fixed = body }
    void regression(Closure body) { spec.post.regression = body }
    void cleanup(Closure body) { spec.post.cleanup = body }
}

/** The Jenkinsfile's base class: the steps it may call, recorded. */
abstract class PipelineScript extends Script {
    // Script.setProperty writes to the binding, so the run is handed over by a method.
    protected PipelineRun pipelineRun

    void attach(PipelineRun run) {
        this.pipelineRun = run
    }

    void pipeline(Closure body) {
        PipelineSpec spec = new PipelineSpec(run: pipelineRun)
        pipelineRun.currentBuild.causes = pipelineRun.harness.causes
        // As in Jenkins, the build's parameters are known while the declarative sections are read;
        // a parameter the job does not have yet (its first build) is null there.
        pipelineRun.params.putAll(pipelineRun.harness.params)
        body.delegate = spec
        body.resolveStrategy = Closure.DELEGATE_FIRST
        body()
        pipelineRun.parameterDefinitions.each { p ->
            if (!pipelineRun.params.containsKey(p.name)) {
                pipelineRun.params[p.name] = p.type == 'choice' ? p.choices[0] : p.defaultValue
            }
        }
        // A build started with parameters has them as environment variables too (as strings).
        if (!pipelineRun.harness.parametersUnknown) {
            pipelineRun.params.each { k, v -> pipelineRun.env[k] = String.valueOf(v) }
        }

        boolean failed = false
        for (DeclarativeStage stage in spec.stages) {
            if (failed) {
                pipelineRun.stages << [name: stage.name, status: 'SKIPPED', declarative: true]
                continue
            }
            if (stage.when && !stage.when()) {
                pipelineRun.stages << [name: stage.name, status: 'SKIPPED', declarative: true]
                continue
            }
            Map record = [name: stage.name, status: 'RUNNING', declarative: true]
            pipelineRun.stages << record
            try {
                stage.steps()
                record.status = record.unstable ? 'UNSTABLE' : 'SUCCESS'
            } catch (hudson.AbortException e) {
                record.status = 'FAILURE'
                record.error = e.message
                pipelineRun.currentBuild.worsen('FAILURE')
                failed = true
            } catch (org.jenkinsci.plugins.workflow.steps.FlowInterruptedException e) {
                record.status = 'ABORTED'
                record.error = e.message
                pipelineRun.currentBuild.worsen('ABORTED')
                failed = true
            }
        }
        runPost(spec.post)
    }

    private void runPost(Map<String, Closure> post) {
        String result = pipelineRun.currentBuild.currentResult
        List order = ['always', 'changed', 'fixed', 'regression', 'aborted', 'failure', 'success', 'unstable', 'cleanup']
        for (String condition in order) {
            Closure body = post[condition]
            boolean applies = condition in ['always', 'cleanup'] ||
                (condition == 'success' && result == 'SUCCESS') ||
                (condition == 'failure' && result == 'FAILURE') ||
                (condition == 'unstable' && result == 'UNSTABLE') ||
                (condition == 'aborted' && result == 'ABORTED')
            if (body && applies) {
                pipelineRun.steps << [step: 'post', condition: condition]
                try {
                    body()
                } catch (hudson.AbortException e) {
                    pipelineRun.currentBuild.worsen('FAILURE')
                }
            }
        }
    }

    void script(Closure body) { body() }

    /** Scripted stage, as created inside `script {}` or a method it calls. */
    void stage(String name, Closure body) {
        Map record = [name: name, status: 'RUNNING', declarative: false]
        pipelineRun.stages << record
        try {
            body()
            record.status = record.unstable ? 'UNSTABLE' : 'SUCCESS'
        } catch (hudson.AbortException e) {
            record.status = 'FAILURE'
            record.error = e.message
            throw e
        } catch (org.jenkinsci.plugins.workflow.steps.FlowInterruptedException e) {
            record.status = 'ABORTED'
            record.error = e.message
            throw e
        }
    }

    def sh(String script) { sh(script: script) }

    def sh(Map args) {
        String script = args.script
        pipelineRun.steps << [step: 'sh', script: script]
        def answer = pipelineRun.harness.shHandler.call(script)
        if (answer instanceof Map && answer.hang) {
            throw new Hang(script)
        }
        if (answer instanceof Map && answer.abort) {
            throw new org.jenkinsci.plugins.workflow.steps.FlowInterruptedException([new jenkins.model.CauseOfInterruption.UserInterruption()])
        }
        int status = answer instanceof Map ? (answer.status ?: 0) : (answer instanceof Integer ? answer : 0)
        String stdout = answer instanceof Map ? (answer.stdout ?: '') : (answer instanceof String ? answer : '')
        if (args.returnStatus) {
            return status
        }
        if (status != 0) {
            throw new hudson.AbortException("script returned exit code ${status}")
        }
        return args.returnStdout ? stdout : null
    }

    void echo(String message) {
        pipelineRun.steps << [step: 'echo', message: message]
        pipelineRun.echoes << message
    }

    void error(String message) {
        pipelineRun.steps << [step: 'error', message: message]
        throw new hudson.AbortException(message)
    }

    void unstable(String message) {
        pipelineRun.steps << [step: 'unstable', message: message]
        pipelineRun.currentBuild.worsen('UNSTABLE')
        Map current = pipelineRun.stages.reverse().find { it.status == 'RUNNING' }
        if (current) {
            current.unstable = true
        }
    }

    /** Runs the body; a body that hangs is interrupted as Jenkins does when the time is up. */
    void timeout(Map args, Closure body) {
        pipelineRun.steps << [step: 'timeout', args: args, stage: pipelineRun.stages.reverse().find { it.status == 'RUNNING' }?.name]
        try {
            body()
        } catch (Hang hang) {
            pipelineRun.steps << [step: 'timeout-expired', args: args]
            throw new org.jenkinsci.plugins.workflow.steps.FlowInterruptedException([new org.jenkinsci.plugins.workflow.steps.TimeoutStepExecution.ExceededTimeout()])
        }
    }

    void archiveArtifacts(Map args) { pipelineRun.steps << [step: 'archiveArtifacts', args: args] }
    void slackSend(Map args) { pipelineRun.steps << [step: 'slackSend', args: args] }
    boolean fileExists(String path) { pipelineRun.harness.files.containsKey(path) }
    def readJSON(Map args) {
        pipelineRun.steps << [step: 'readJSON', file: args.file]
        new JsonSlurper().parseText(args.text != null ? args.text : pipelineRun.harness.files[args.file])
    }

    /**
     * Jenkins' parallel, one branch after another (the branches here share nothing but what the
     * Jenkinsfile gives them): every branch runs even when one fails, and the first failure is thrown
     * at the end; an abort (FlowInterruptedException) stops every branch at once.
     */
    void parallel(Map branches) {
        pipelineRun.steps << [step: 'parallel', branches: branches.keySet() as List]
        Throwable first = null
        branches.each { String name, Closure body ->
            try {
                body()
            } catch (org.jenkinsci.plugins.workflow.steps.FlowInterruptedException e) {
                throw e
            } catch (hudson.AbortException e) {
                first = first ?: e
            }
        }
        if (first) {
            throw first
        }
    }
    String toJson(Object value) { JsonOutput.toJson(value) }
}
