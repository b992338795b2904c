"""`derivcheck grade`: students' answers judged against the truth derived once from the spec.

submissions.py reads the three forms lazily; key.py derives the answer key (each claim's truth, once);
judge.py judges a batch of answers with the engine of `verify`; executors.py runs batches locally or on Dask;
output.py writes results.jsonl and resumes; summary.py adds up scores and diagnoses; grader.py runs it all.
"""
