"""Email domains nobody can claim for an account: public mailbox providers (kept here, by hand: everyone at
gmail.com is not one company) and public suffixes (no public-suffix list package is installed, so a small
list of the common multi-label ones is kept here too; a single label such as `com` is refused by shape).
The disposable-mail domains come from the `disposable-email-domains` package (domain/emails.py)."""

from __future__ import annotations

# Free mailboxes anyone can open. Their subdomains are refused too (`mail.yahoo.com` is still Yahoo's).
PUBLIC_MAILBOX_PROVIDERS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr",
        "live.com", "live.co.uk", "msn.com", "passport.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr",
        "yahoo.de", "yahoo.co.jp", "ymail.com", "rocketmail.com", "icloud.com", "me.com", "mac.com",
        "aol.com", "aim.com", "proton.me", "protonmail.com", "protonmail.ch", "pm.me", "tutanota.com",
        "tuta.io", "gmx.com", "gmx.de", "gmx.net", "gmx.at", "web.de", "mail.com", "email.com",
        "zoho.com", "zohomail.com", "yandex.com", "yandex.ru", "ya.ru", "mail.ru", "inbox.ru", "list.ru",
        "bk.ru", "qq.com", "163.com", "126.com", "yeah.net", "sina.com", "naver.com", "daum.net",
        "hanmail.net", "fastmail.com", "fastmail.fm", "hey.com", "laposte.net", "orange.fr",
        "wanadoo.fr", "free.fr", "sfr.fr", "libero.it", "virgilio.it", "t-online.de", "freenet.de",
        "seznam.cz", "wp.pl", "o2.pl", "onet.pl", "interia.pl", "rediffmail.com", "comcast.net",
        "verizon.net", "att.net", "sbcglobal.net", "btinternet.com", "sky.com", "bigpond.com",
        "optusnet.com.au", "shaw.ca", "rogers.com", "uol.com.br", "bol.com.br", "terra.com.br",
        "hushmail.com", "mailfence.com", "posteo.de", "mailbox.org", "runbox.com", "startmail.com",
    }
)  # fmt: skip

# Suffixes under which anyone registers a name (a subset of the Public Suffix List, publicsuffix.org):
# claiming one would claim everyone's addresses below it. Single labels (`com`, `de`) need no list.
PUBLIC_SUFFIXES = frozenset(
    {
        "co.uk", "org.uk", "me.uk", "ltd.uk", "plc.uk", "net.uk", "ac.uk", "gov.uk", "sch.uk",
        "com.au", "net.au", "org.au", "edu.au", "gov.au", "asn.au", "id.au",
        "co.nz", "org.nz", "net.nz", "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp",
        "co.kr", "or.kr", "co.in", "net.in", "org.in", "firm.in", "gen.in", "ind.in",
        "com.br", "net.br", "org.br", "com.cn", "net.cn", "org.cn", "com.hk", "com.tw", "com.sg",
        "com.my", "com.mx", "com.ar", "com.co", "com.tr", "com.ua", "co.za", "org.za", "co.il",
        "com.pl", "net.pl", "org.pl", "co.at", "or.at", "com.es", "gouv.fr", "co.it",
        "github.io", "gitlab.io", "herokuapp.com", "appspot.com", "blogspot.com", "netlify.app",
        "vercel.app", "pages.dev", "workers.dev", "azurewebsites.net", "cloudfront.net",
        "s3.amazonaws.com", "firebaseapp.com", "web.app", "fly.dev", "onrender.com",
    }
)  # fmt: skip
