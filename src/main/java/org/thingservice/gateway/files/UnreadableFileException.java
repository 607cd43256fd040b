package org.thingservice.gateway.files;

/** A batch file that cannot be read at all: it moves to the error folder with this reason beside it. */
public class UnreadableFileException extends RuntimeException {
    public UnreadableFileException(String reason) {
        super(reason, null, false, false);
    }
}
