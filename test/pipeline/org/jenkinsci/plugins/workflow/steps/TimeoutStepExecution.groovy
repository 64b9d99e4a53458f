package org.jenkinsci.plugins.workflow.steps

/** Stand-in for the timeout step's execution, whose ExceededTimeout is the cause of its interruption. */
class TimeoutStepExecution {
    static class ExceededTimeout {
    }
}
