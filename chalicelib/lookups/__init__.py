"""Questions the service asks of the outside world and nothing else (a DNS TXT lookup): below the services,
above nothing of ours."""
