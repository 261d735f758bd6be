"""portal-access: account user management for client portals."""
