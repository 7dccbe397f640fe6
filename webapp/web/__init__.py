"""What a gunicorn worker runs: the app factory (``factory.create_app``), delivery (memo, ETags,
encodings, the Host gate), the page registry, the views, templating and SEO. It reads the
release that ``webapp.publish`` wrote, through ``webapp.contract``, and never imports
``webapp.desk`` or ``webapp.publish``."""
