"""Direct checks added where mutation testing (`make mutation`, docs/TESTING.md) showed a changed
line in the models run that no other test noticed. Every expected value is worked out by hand in the
comment beside it."""
