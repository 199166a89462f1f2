"""What the app tells the user about its state: errors in the user's language, the
server's status, the no-server banner."""
