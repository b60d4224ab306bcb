"""Benchmarks: time-to-answer of Rapport against bare Bolt apps measured in the same run.

Run ``python -m bench --help`` (or ``make bench``); see ``bench/README.md``.
"""
