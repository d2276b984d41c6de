"""HTTP plumbing (platform): error pages in French and JSON under /api/ (`errors`), request hardening
(`hardening`), gzip (`compression`), safe redirects (`redirects`), template filters (`filters`) and the
masked access log of gunicorn (`accesslog`)."""
