"""portal-access: wiring only. Routes live in chalicelib/api, rules in chalicelib/domain and services."""

from chalice import Chalice

from chalicelib.api import auth, meta
from chalicelib.api.http import error_middleware

app = Chalice(app_name="portal-access")
app.register_middleware(error_middleware, "http")
app.register_blueprint(meta.bp)
app.register_blueprint(auth.bp)
