"""Pure statutory and data-standard rules. No Django imports: these run in tests, batch jobs and views alike."""
