"""Jintan Reader: a bilingual (Chinese/English) news reader.

The package holds three programs over shared low-level modules (docs/contributors.md):

- ``webapp.desk``: the translators' and editors' tools (catalog cycle, QA, zh-Hant, extraction);
- ``webapp.publish``: ``make release``: validate, compile, store, index, render-check, switch;
- ``webapp.web``: what a gunicorn worker runs (``webapp.web.factory.create_app``).

Below them: ``config``, ``locales``, ``dates``, ``content`` (articles -> blocks),
``cjk_markdown``, ``po`` (catalog files) and ``contract`` (the layout of a build directory and a
release). Importing this package loads nothing else.
"""
