"""Outgoing HTTP: signing and sending one webhook delivery. No storage here; the worker that decides what
to deliver when, and records the outcome, lives above. `signing` is light (the routes that create and
rotate secrets load it); `sender` brings http.client and ssl, and only the delivery worker loads it."""
