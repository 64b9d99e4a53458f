import groovy.json.JsonOutput

/**
 * Tests of the real Jenkinsfile, run by PipelineHarness. The runner is scripted: `targets` is what
 * `ssm-backup targets` prints; `regions` maps "env@account" to its regions; `outcomes` maps
 * "env@account region" to the exit code its backup returns (default 0), 'hang' or 'abort', and
 * "regions env@account" to the exit code of resolving its regions; `checkExit` is the exit code of
 * `targets --check`.
 */
File root = new File(getClass().protectionDomain.codeSource.location.path).parentFile.parentFile.parentFile
File jenkinsfile = new File(root, 'Jenkinsfile')

String role(String account, String environment) {
    return "arn:aws:iam::${account}:role/jenkins-infra-ssm-backup-${environment}-backup".toString()
}

List TARGETS = [
    [environment: 'dev', accountId: '111111111111', roleArn: role('111111111111', 'dev'), homeRegion: 'ap-northeast-1'],
    [environment: 'staging', accountId: '222222222222', roleArn: role('222222222222', 'staging'),
     homeRegion: 'ap-northeast-1', externalId: 'ext-222'],
    [environment: 'prod', accountId: '333333333333', roleArn: role('333333333333', 'prod'), homeRegion: 'us-west-2'],
]
Map REGIONS = [
    'dev@111111111111': ['ap-northeast-1', 'us-west-2', 'us-east-1'],
    'staging@222222222222': ['ap-northeast-1', 'us-west-2'],
    'prod@333333333333': ['us-west-2', 'eu-west-1'],
]

PipelineHarness harness(Map opts = [:]) {
    Map outcomes = opts.outcomes ?: [:]
    Map params = [TARGET: 'all'] + (opts.params ?: [:])
    PipelineHarness h = new PipelineHarness(jenkinsfile: opts.jenkinsfile, params: params)
    if (opts.timer) {
        h.causes = ['hudson.triggers.TimerTrigger$TimerTriggerCause']
    }
    if (opts.env) {
        h.env.putAll(opts.env)
    }
    h.parametersUnknown = opts.parametersUnknown ?: false
    h.shHandler = { String script ->
        if (script.contains('ssm-backup targets --check')) {
            return opts.checkExit ?: 0
        }
        if (script.contains('ssm-backup targets --file')) {
            return JsonOutput.toJson(opts.targets)
        }
        def regionsCall = script =~ /ssm-backup regions --env (\S+) --role-arn \S+ --account-id (\d+)/
        if (regionsCall) {
            String name = "${regionsCall[0][1]}@${regionsCall[0][2]}"
            int code = outcomes["regions ${name}".toString()] ?: 0
            return code ? [status: code] : JsonOutput.toJson(opts.regions[name])
        }
        def backupCall = script =~ /ssm-backup backup --env (\S+) --region (\S+) --role-arn \S+ --account-id (\d+).*--summary-file (\S+)/
        if (backupCall) {
            String environment = backupCall[0][1]
            String region = backupCall[0][2]
            String summary = backupCall[0][4]
            def outcome = outcomes["${environment}@${backupCall[0][3]} ${region}".toString()] ?: 0
            if (outcome == 'hang') {
                // The runner, signalled by the expiring timeout, still writes its summary.
                h.files[summary] = JsonOutput.toJson([environment: environment, status: 'interrupted',
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
            h.files[summary] = JsonOutput.toJson([environment: environment, status: status, regions: [regionSummary]])
            return code
        }
        return 0
    }
    return h
}

// Every test's harness knows the targets and their regions unless it says otherwise.
Closure job = { Map opts = [:] -> harness([jenkinsfile: jenkinsfile, targets: TARGETS, regions: REGIONS] + opts) }

Map tests = [:]

tests['declares the job: parameters (no environment list, no choice literal), options, agent'] = {
    PipelineRun run = job().run()
    assert run.parameterDefinitions*.name == ['TARGET', 'DRY_RUN', 'PARALLEL_TARGETS', 'AGENT_LABEL']
    assert run.parameterDefinitions.find { it.name == 'TARGET' }.defaultValue == 'all'
    assert run.parameterDefinitions.find { it.name == 'PARALLEL_TARGETS' }.defaultValue == '4'
    assert !run.parameterDefinitions.any { it.type == 'choice' }
    Map dryRun = run.parameterDefinitions.find { it.name == 'DRY_RUN' }
    assert dryRun.type == 'boolean' && dryRun.defaultValue == false
    assert run.options.timestamps
    assert run.options.timeout == [time: 60, unit: 'MINUTES']
    assert run.options.buildDiscarder == [logRotator: [daysToKeepStr: '30', numToKeepStr: '100']]
    assert run.options.disableConcurrentBuilds
    assert run.agentLabel == 'ec2-fleet'
    assert job(params: [AGENT_LABEL: 'backup-small']).run().agentLabel == 'backup-small'
}

tests['the nightly cron is 13:00 UTC, as the old job'] = {
    assert job().run().triggers == [[cron: '0 13 * * *']]
}

tests['prepare checks Node, builds then prunes, and checks the targets file, before any backup'] = {
    PipelineRun run = job().run()
    List scripts = run.shScripts()
    assert scripts[0] == 'node --version'
    assert scripts[1] == 'npm ci --no-audit --no-fund'
    assert scripts[2] == 'npm prune --omit=dev --no-audit --no-fund'
    assert scripts[3] == 'npx --no-install ssm-backup --version'
    assert scripts[4] == 'npx --no-install ssm-backup targets --check --file backup-targets.json'
    assert scripts.findIndexOf { it.contains('ssm-backup backup') } > 4
}

tests['a bad targets file stops the build before any target: nothing backed up'] = {
    PipelineRun run = job(checkExit: 2).run()
    assert run.stageStatus('Prepare') == 'FAILURE'
    assert run.stageStatus('Back up') == 'SKIPPED'
    assert !run.shScripts().any { it.contains('ssm-backup backup') || it.contains('ssm-backup regions') }
    assert run.currentBuild.currentResult == 'FAILURE'
}

tests['a build before the job knows its parameters (the first) writes nothing and says so'] = {
    PipelineRun run = job(parametersUnknown: true).run()
    assert !run.shScripts().any { it.contains('ssm-backup backup') || it.contains('ssm-backup regions') }
    assert run.stageStatus('Back up') == 'SKIPPED'
    assert run.currentBuild.currentResult == 'SUCCESS'
    assert run.currentBuild.description.contains('nothing was backed up or written')
    assert job().run().shScripts().any { it.contains('ssm-backup backup') }
}

tests['the nightly build fans out over every target: lanes in parallel, each target\'s regions in series'] = {
    PipelineRun run = job(timer: true, params: [TARGET: 'prod@333333333333']).run()
    // The timer build takes every target, whatever TARGET says.
    assert run.stepsNamed('parallel')*.branches == [['targets 1', 'targets 2', 'targets 3']]
    assert run.stageNames() == ['Prepare', 'Back up',
        'Resolve regions dev 111111111111', 'Backup dev 111111111111 ap-northeast-1',
        'Backup dev 111111111111 us-west-2', 'Backup dev 111111111111 us-east-1',
        'Resolve regions staging 222222222222', 'Backup staging 222222222222 ap-northeast-1',
        'Backup staging 222222222222 us-west-2',
        'Resolve regions prod 333333333333', 'Backup prod 333333333333 us-west-2',
        'Backup prod 333333333333 eu-west-1']
    assert run.currentBuild.currentResult == 'SUCCESS'
    assert run.currentBuild.displayName == '#42 3 targets'
}

tests['PARALLEL_TARGETS bounds the lanes (default 4); a bad value fails the build'] = {
    assert job(params: [PARALLEL_TARGETS: '2']).run().stepsNamed('parallel')*.branches == [['targets 1', 'targets 2']]
    assert job(params: [PARALLEL_TARGETS: '1']).run().stepsNamed('parallel')*.branches == [['targets 1']]
    List six = (1..6).collect { i -> [environment: "e${i}", accountId: "11111111111${i}", roleArn: role("11111111111${i}", "e${i}"), homeRegion: 'us-west-2'] }
    Map sixRegions = six.collectEntries { t -> ["${t.environment}@${t.accountId}".toString(), ['us-west-2']] }
    assert job(targets: six, regions: sixRegions).run().stepsNamed('parallel')*.branches[0].size() == 4
    PipelineRun bad = job(params: [PARALLEL_TARGETS: 'many']).run()
    assert bad.currentBuild.currentResult == 'FAILURE'
    assert !bad.shScripts().any { it.contains('ssm-backup backup') }
}

tests['each region runs under its target\'s role and account, with a 10-minute timeout and a 9-minute pace'] = {
    PipelineRun run = job(params: [TARGET: 'staging@222222222222']).run()
    List backups = run.shScripts().findAll { it.contains('ssm-backup backup') }
    assert backups == ['ap-northeast-1', 'us-west-2'].collect {
        ("npx --no-install ssm-backup backup --env staging --region ${it} --role-arn ${role('222222222222', 'staging')} " +
            '--account-id 222222222222 --home-region ap-northeast-1 --external-id ext-222 --finish-within 9m ' +
            "--summary-file backup-summaries/staging-222222222222-${it}.json").toString()
    }
    assert run.shScripts().contains(('npx --no-install ssm-backup regions --env staging --role-arn ' +
        "${role('222222222222', 'staging')} --account-id 222222222222 --home-region ap-northeast-1 --external-id ext-222").toString())
    List timeouts = run.stepsNamed('timeout')
    assert timeouts*.stage == ['Backup staging 222222222222 ap-northeast-1', 'Backup staging 222222222222 us-west-2']
    assert timeouts.every { it.args == [time: 10, unit: 'MINUTES'] }
}

tests['a failing region stops its target\'s later regions; every other target runs; the build names the failed'] = {
    PipelineRun run = job(outcomes: ['dev@111111111111 us-west-2': 1, 'prod@333333333333 us-west-2': 2]).run()
    assert run.stageStatus('Backup dev 111111111111 ap-northeast-1') == 'SUCCESS'
    assert run.stageStatus('Backup dev 111111111111 us-west-2') == 'FAILURE'
    assert !run.stageNames().contains('Backup dev 111111111111 us-east-1')
    assert run.stageStatus('Backup staging 222222222222 us-west-2') == 'SUCCESS'
    assert !run.stageNames().contains('Backup prod 333333333333 eu-west-1')
    assert run.currentBuild.currentResult == 'FAILURE'
    assert run.stepsNamed('error')*.message.contains('backup failed for dev@111111111111, prod@333333333333')
    assert run.currentBuild.description.contains('dev@111111111111 us-east-1: not started')
}

tests['a hung region fails its target only (stage timeout); the other targets back up'] = {
    PipelineRun run = job(outcomes: ['staging@222222222222 ap-northeast-1': 'hang']).run()
    assert run.stepsNamed('timeout-expired').size() == 1
    assert run.stageStatus('Backup staging 222222222222 ap-northeast-1') == 'FAILURE'
    assert !run.stageNames().contains('Backup staging 222222222222 us-west-2')
    assert run.stageStatus('Backup prod 333333333333 eu-west-1') == 'SUCCESS'
    assert run.currentBuild.currentResult == 'FAILURE'
    assert run.echoes.any { it.contains('staging@222222222222 ap-northeast-1: no result within 10 minutes') }
    List description = run.currentBuild.description.split('\n') as List
    assert description.contains('staging@222222222222 ap-northeast-1: interrupted, 0 parameters, -')
}

tests['bad credentials (the role cannot be assumed: exit 2) fail that target alone'] = {
    PipelineRun run = job(outcomes: ['regions dev@111111111111': 2]).run()
    assert run.stageStatus('Resolve regions dev 111111111111') == 'FAILURE'
    assert !run.stageNames().any { it.startsWith('Backup dev ') }
    assert run.stageStatus('Backup prod 333333333333 us-west-2') == 'SUCCESS'
    assert run.currentBuild.currentResult == 'FAILURE'
    assert run.currentBuild.description.contains('dev@111111111111: failed before its regions were known')
}

tests['a person aborting the build stops every target, and the summaries are still reported'] = {
    PipelineRun run = job(outcomes: ['dev@111111111111 us-west-2': 'abort']).run()
    assert run.stageStatus('Backup dev 111111111111 us-west-2') == 'ABORTED'
    assert !run.stageNames().any { it.startsWith('Backup staging') || it.startsWith('Backup prod') }
    assert run.currentBuild.currentResult == 'ABORTED'
    assert run.stepsNamed('archiveArtifacts').size() == 1
    assert run.currentBuild.description.startsWith('dev@111111111111 ap-northeast-1: ok')
}

tests['a manual build backs up the one target chosen; an unknown one is refused, naming the known'] = {
    PipelineRun run = job(params: [TARGET: 'prod@333333333333']).run()
    List calls = run.shScripts().findAll { it.contains('ssm-backup regions') || it.contains('ssm-backup backup') }
    assert calls && calls.every { it.contains('--env prod ') && it.contains('--account-id 333333333333') }
    assert run.currentBuild.displayName == '#42 prod@333333333333'
    PipelineRun typo = job(params: [TARGET: 'prod@999999999999']).run()
    assert typo.currentBuild.currentResult == 'FAILURE'
    assert typo.stepsNamed('error')*.message.any { it.contains('TARGET prod@999999999999 is not in backup-targets.json') }
    assert !typo.shScripts().any { it.contains('ssm-backup backup') }
}

tests['exit 3 marks the build UNSTABLE and the next region still runs'] = {
    PipelineRun run = job(params: [TARGET: 'dev@111111111111'], outcomes: ['dev@111111111111 ap-northeast-1': 3]).run()
    assert run.stageStatus('Backup dev 111111111111 ap-northeast-1') == 'UNSTABLE'
    assert run.stageStatus('Backup dev 111111111111 us-west-2') == 'SUCCESS'
    assert run.currentBuild.currentResult == 'UNSTABLE'
    assert run.stepsNamed('slackSend').isEmpty()
}

tests['DRY_RUN passes --dry-run to every region'] = {
    PipelineRun run = job(params: [DRY_RUN: true]).run()
    List backups = run.shScripts().findAll { it.contains('ssm-backup backup') }
    assert backups.size() == 7 && backups.every { it.contains(' --dry-run ') }
    assert !job().run().shScripts().any { it.contains('--dry-run') }
}

tests['summaries are archived and make the description: each target and region'] = {
    PipelineRun run = job(params: [TARGET: 'prod@333333333333'], outcomes: ['prod@333333333333 eu-west-1': 3]).run()
    assert run.stepsNamed('archiveArtifacts')*.args == [[artifacts: 'backup-summaries/*.json', allowEmptyArchive: true]]
    assert run.currentBuild.description.split('\n') as List == [
        'prod@333333333333 us-west-2: ok, 12 parameters, 2026-11-29/ssm-backup-prod-20261129_130000.json',
        'prod@333333333333 eu-west-1: empty, 0 parameters, -',
    ]
    assert run.echoes.any { it.startsWith('Backup summary\nprod@333333333333 us-west-2: ok') }
}

tests['nothing with values is archived: only the summary files'] = {
    PipelineRun run = job().run()
    assert run.stepsNamed('archiveArtifacts').every { it.args.artifacts == 'backup-summaries/*.json' }
    assert !run.shScripts().any { it.contains('> ') || it.contains('tee ') }
}

tests['the failure notification fires only on failure, and Slack only with a channel'] = {
    assert job(env: [SLACK_CHANNEL: '#ops']).run().stepsNamed('slackSend').isEmpty()
    PipelineRun failed = job(env: [SLACK_CHANNEL: '#ops'], outcomes: ['dev@111111111111 ap-northeast-1': 1]).run()
    List slack = failed.stepsNamed('slackSend')
    assert slack.size() == 1
    assert slack[0].args.channel == '#ops' && slack[0].args.color == 'danger'
    assert slack[0].args.message.contains('FAILURE')
    PipelineRun quiet = job(outcomes: ['dev@111111111111 ap-northeast-1': 1]).run()
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
