package org.thingservice.gateway.files;

/**
 * The gateway stopped between two groups of a file's lines: the file stays in the inbox, and the next start answers
 * its remaining lines (those answered keep their answers in the database).
 */
public class FileResumesAtNextStartException extends RuntimeException {
    public FileResumesAtNextStartException(String message) {
        super(message, null, false, false);
    }
}
