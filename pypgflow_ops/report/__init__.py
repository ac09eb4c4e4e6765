"""Reporters: turn a lint result or a plan into text for people and machines. Pure functions."""
