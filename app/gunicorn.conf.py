"""gunicorn's settings for Headway: `gunicorn --config app/gunicorn.conf.py wsgi:app`, as
`make run` does.

The access log records each request's path but never its query string. An invitation link
carries its one-time token in the query string (`/invitation?token=…`, see
`app/accounts/routes.py`), and the log is read by more people, and kept longer, than the
token should be. So the request line is `%(m)s %(U)s %(H)s` (method, path, protocol)
instead of gunicorn's default `%(r)s`, the raw line with the query. The Referer (`%(f)s`)
stays: the token's URL only ever answers with a redirect, so no page that could be a
Referer has it. A proxy in front of gunicorn keeps its own log and must leave query
strings out too (nginx: log `$uri`, not `$request`).
"""

access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(f)s" "%(a)s"'
