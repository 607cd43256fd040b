package org.thingservice.gateway.files;

/**
 * The gateway stopped before every line of a file was sent: the file stays in the inbox, and the next start answers
 * its remaining lines (those answered keep their answers in the database).
 */
public class FileResumesAtNextStartException extends RuntimeException {
    public FileResumesAtNextStartException(String message) {
        super(message, null, false, false);
    }
}
