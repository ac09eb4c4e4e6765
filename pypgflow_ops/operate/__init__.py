"""Operate the runtime from the command line, as an application does through PostgREST."""
