"""The command line and the build job: thin shells over the layers below."""
