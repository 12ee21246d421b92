"""Tests of the sandbox portal (reconciler.sandbox)."""
