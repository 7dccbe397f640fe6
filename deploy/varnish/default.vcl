# Jintan Reader behind Varnish (Debian's varnish 7.x). Replace @BACKEND_HOST@ / @BACKEND_PORT@
# with gunicorn's GUNICORN_BIND (e.g. 127.0.0.1 / 8000) and run the app with
# JINTAN_PROXY_FIX_HOPS=1. Varnish does not speak TLS: put a terminator (hitch, haproxy,
# nginx) in front, on this host, with the PROXY protocol; see deploy/README.md.
# tests/ops/test_caches.py runs this file with real varnishd.
vcl 4.1;

import std;

backend app {
    .host = "@BACKEND_HOST@";
    .port = "@BACKEND_PORT@";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .probe = {
        .url = "/healthz";
        .interval = 5s;
        .timeout = 2s;
        .window = 3;
        .threshold = 2;
        .initial = 2;
    }
}

# Who may PURGE one URL or BAN all pages (scripts/after_reload.py --varnish, run after a publish).
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE" || req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (req.method == "BAN" && req.http.X-Surrogate-Key) {
            # One cache tag (the app's Surrogate-Key: article-<slug>, listing): every page
            # showing that article, in every locale and encoding.
            if (req.http.X-Surrogate-Key !~ "^[a-z0-9-]+$") {
                return (synth(400, "Bad X-Surrogate-Key"));
            }
            ban("obj.http.Surrogate-Key ~ (^|\s)" + req.http.X-Surrogate-Key + "(\s|$)");
            return (synth(200, "Banned"));
        }
        if (req.method == "BAN") {
            # Every page; hashed static files never change content, so they stay.
            ban("obj.http.x-url !~ ^/static/");
            return (synth(200, "Banned"));
        }
        return (purge);
    }

    # What the app is told about the client: set here, never taken from the client.
    # (Varnish appends client.ip to X-Forwarded-For before vcl_recv; overwrite it.)
    set req.http.X-Forwarded-For = client.ip;
    if (std.port(server.ip) == 443) {   # with the PROXY protocol: the port the client used
        set req.http.X-Forwarded-Proto = "https";
    } else {
        set req.http.X-Forwarded-Proto = "http";
    }
    unset req.http.X-Forwarded-Host;
    unset req.http.X-Forwarded-Prefix;
    unset req.http.X-Forwarded-Port;
    unset req.http.Forwarded;
    set req.http.X-Request-ID = "varnish-" + req.xid;

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # `/` negotiates the language per reader (Cookie, Accept-Language): never from the cache.
    if (req.url == "/" || req.url ~ "^/\?") {
        return (pass);
    }
    # No page reads a cookie, and no page but search results reads a query string: drop them,
    # so that a reader's `locale` cookie does not turn every request into a pass, and random
    # query strings can neither create cache entries nor get past the cache. Search results
    # keep `q` and `page` only (the app reads nothing else; results are s-maxage=30).
    unset req.http.Cookie;
    # The service worker's precache revision on the shell pages (the registry's offline=SHELL
    # types: /<locale>/offline/ and /<locale>/saved/) is kept: each revision is its own entry,
    # so a new worker never gets the previous release's copy under its new revision (the app
    # answers a revision it does not have with a 404, no-store).
    if (req.url ~ "^/[a-z-]+/search/(\?|$)") {
        call jintan_search_url;
    } elsif (req.url ~ "^/[a-z-]+/(offline|saved)/\?(.*&)?__rev=[0-9a-f]{12}(&|$)") {
        set req.url = regsub(req.url, "^([^?]*)\?(.*&)?(__rev=[0-9a-f]{12})(&.*)?$", "\1?\3");
    } else {
        set req.url = regsub(req.url, "\?.*$", "");
    }

    # Three encodings at most (the app's order: brotli, then gzip); the app varies on it.
    # Varnish's gzip support rewrites Accept-Encoding after vcl_recv, so a restarted request
    # keeps the copy made the first time.
    if (req.restarts == 0) {
        if (req.http.Accept-Encoding ~ "(?i)\bbr\b") {
            set req.http.X-Jintan-Encoding = "br";
        } elsif (req.http.Accept-Encoding ~ "(?i)\bgzip\b") {
            set req.http.X-Jintan-Encoding = "gzip";
        } else {
            unset req.http.X-Jintan-Encoding;
        }
    }
    set req.http.Accept-Encoding = req.http.X-Jintan-Encoding;

    # A respelled target (percent-escapes, "//", "/./", "/../"): the app redirects a page's
    # spelling to its canonical URL, but whitenoise serves a static file under any spelling it
    # decodes, with a year's max-age: never from or into the cache (one object per file).
    if (req.url ~ "^[^?]*(%|//|/\.\.?(/|$|\?))") {
        return (pass);
    }
    # Stale-while-revalidate: an expired page (within its grace, 1 day) is delivered at once
    # while a background fetch gets the fresh one, as nginx does (proxy_cache_background_update).
    # No reader waits on the origin for a cached page: a new gunicorn master listens before its
    # workers have booted, so a fetch sent to it waits in its backlog, and every request for
    # that page queued behind it (measured with `req.grace = 0s` while the probe said healthy:
    # all 32 wrk connections timed out). A publish bans what it changed (after_reload.py), so
    # it shows at once; without a ban within s-maxage plus one request.
    # A page not in the cache whose fetch fails is tried once more (vcl_synth restarts it):
    # an object that became stale meanwhile, if any, is served instead of the 503.
    if (req.restarts == 0) {
        unset req.http.X-Jintan-Stale-If-Error;   # ours only (vcl_synth), never a client's
    }
    return (hash);
}

# `/<locale>/search/?q=...&page=...`: the path, then `q` and `page` (the last of each, and the
# app is sent this URL, so the cache key and the page always agree), nothing else.
sub jintan_search_url {
    set req.http.X-Jintan-Query = "";
    if (req.url ~ "[?&]q=") {
        set req.http.X-Jintan-Query = "q=" + regsub(req.url, "^.*[?&]q=([^&#]*).*$", "\1");
    }
    if (req.url ~ "[?&]page=") {
        set req.http.X-Jintan-Query = req.http.X-Jintan-Query + "&page=" +
            regsub(req.url, "^.*[?&]page=([^&#]*).*$", "\1");
    }
    set req.url = regsub(req.url, "\?.*$", "");
    if (req.http.X-Jintan-Query != "") {
        set req.url = req.url + "?" + regsub(req.http.X-Jintan-Query, "^&", "");
    }
    unset req.http.X-Jintan-Query;
}

sub vcl_hash {
    # The URL alone (query already dropped in vcl_recv), not the Host: the app writes every URL
    # from JINTAN_SITE_URL, so a page is the same bytes under any Host it trusts (EXAMPLE.com,
    # example.com., example.com:80, localhost), and one it does not trust gets a 400, never
    # stored. The three encodings of a page are variants of this one object (Vary, in
    # vcl_backend_response), so one PURGE of the URL removes all of them, from any Host.
    # (Hashing the encoding here made a PURGE, which carries no Accept-Encoding, miss every
    # copy.)
    hash_data(req.url);
    return (lookup);
}

sub vcl_backend_fetch {
    # Varnish's own gzip handling asks the backend for gzip; ask for the reader's encoding.
    if (bereq.http.X-Jintan-Encoding) {
        set bereq.http.Accept-Encoding = bereq.http.X-Jintan-Encoding;
    } else {
        unset bereq.http.Accept-Encoding;
    }
    # X-Jintan-Encoding stays on the backend request: the stored Vary (vcl_backend_response)
    # names it, and Varnish builds the variant's key from the backend request's headers.
}

sub vcl_backend_error {
    # Stale-if-error, first try (see vcl_synth): abandoning keeps the expired copy in the
    # cache, where delivering this error would have replaced it. A background fetch (a stale
    # copy is being served) always abandons.
    if (bereq.is_bgfetch || !bereq.http.X-Jintan-Stale-If-Error) {
        return (abandon);
    }
}

sub vcl_backend_response {
    # The app answering 5xx is a failed fetch too (a crash mid-publish, a worker timeout).
    if (beresp.status >= 500 && (bereq.is_bgfetch || !bereq.http.X-Jintan-Stale-If-Error)) {
        return (abandon);
    }
    # Caching follows the app's Cache-Control (s-maxage first, then max-age; `private`,
    # `no-cache`, `no-store` are not stored: the built-in VCL after this). Keep expired pages a
    # day, so the next fetch is a conditional one (If-None-Match with the app's ETag: a 304),
    # and a day of grace for when the app is down.
    # The app varies on Accept-Encoding; Varnish's gzip support rewrites the request's
    # Accept-Encoding after vcl_recv (br becomes gzip), so the variants are told apart by the
    # normalised copy instead: at most three per page (br, gzip, identity), under one hash.
    if (beresp.http.Vary ~ "(?i)accept-encoding") {
        set beresp.http.Vary = "X-Jintan-Encoding";
    }
    # Negative caching: a 404 in a locale's URL space comes "public, s-maxage=10" (the app's
    # NOT_FOUND_CACHE_CONTROL), so a flood of the same invented paths stops here; it is gone
    # 10 s later (no grace, no keep), so random paths cannot pile up. Other 404s are no-store.
    if (beresp.status == 404 && beresp.http.Cache-Control ~ "(?i)\bs-maxage=[1-9]") {
        set beresp.grace = 0s;
        set beresp.keep = 0s;
        set beresp.http.x-url = bereq.url;   # a publish's BAN removes it too (a new article)
        return (deliver);
    }
    # Redirects (a missing trailing slash on any path a client invents) and other errors are
    # not stored: they would let random paths fill the cache and push pages out.
    if (beresp.http.Location || beresp.status >= 400) {
        set beresp.ttl = 0s;
        set beresp.grace = 0s;      # default_grace (10 s) would keep each one 10 s
        set beresp.keep = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    set beresp.grace = 1d;
    set beresp.keep = 1d;
    # For bans by URL (ban lurker friendly).
    set beresp.http.x-url = bereq.url;
}

sub vcl_synth {
    # Stale-if-error: a fetch that failed (app stopped or crashed, 5xx; abandoned above) is
    # tried once more with the object's grace, so an expired copy, if kept, is served instead
    # (and if none is, the second fetch's own error is). The probe alone needs up to two
    # intervals to notice a stopped app: every expired page answered 503 meanwhile.
    if (resp.status == 503 && req.restarts == 0 && (req.method == "GET" || req.method == "HEAD")) {
        set req.http.X-Jintan-Stale-If-Error = "1";
        return (restart);
    }
}

sub vcl_deliver {
    unset resp.http.x-url;
    if (resp.http.Vary == "X-Jintan-Encoding") {
        set resp.http.Vary = "Accept-Encoding";
    }
    # A hit would repeat the id of the request that filled the cache: each response carries
    # the id of its own request (the one sent to the app on a miss).
    set resp.http.X-Request-ID = req.http.X-Request-ID;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
