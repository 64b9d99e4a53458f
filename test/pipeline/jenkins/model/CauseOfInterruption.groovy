package jenkins.model

/** Stand-in for Jenkins' causes of interruption: a person pressed abort. */
class CauseOfInterruption {
    static class UserInterruption extends CauseOfInterruption {
    }
}
