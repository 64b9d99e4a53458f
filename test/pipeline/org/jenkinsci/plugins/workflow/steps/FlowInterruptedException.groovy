package org.jenkinsci.plugins.workflow.steps

/**
 * Stand-in for Jenkins' FlowInterruptedException: what an expired `timeout` or an aborted build
 * throws into the pipeline (not an AbortException), with the causes of the interruption.
 */
class FlowInterruptedException extends InterruptedException {
    List causes = []

    FlowInterruptedException(List causes) {
        super("interrupted: ${causes*.getClass()*.simpleName.join(', ')}")
        this.causes = causes
    }
}
