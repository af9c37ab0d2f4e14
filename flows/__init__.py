"""Orchestration and I/O: the command line, runs, storage and provenance.

The only package that knows Prefect, storage, manifests and the CLI; it glues
``layout`` and ``recognition`` together.
"""
