"""Outcomes of threads: accepted answers, challenge statuses and adoptions of success stories."""
