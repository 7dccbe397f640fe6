"""The publisher: ``python -m webapp.publish.build`` (``make release``) validates every input,
compiles catalogs, hashes static files, writes a release (everything a worker reads, the
service worker's data included) and switches ``releases/current``; ``webapp.publish.export``
writes the site as static files. It uses the web app's renderer through
``webapp.web.pages.render_path`` only."""
