"""The benchmark behind `make bench`: a large dataset, real servers, a real load generator.

- dataset: 100,000 articles and 1,000,000 comments on PostgreSQL, written with COPY.
- pages: which URL stands for each page type, and what each costs in SQL.
- servers: gunicorn and nginx as child processes, started and stopped by PID.
- load: wrk runs and the report table.
"""
