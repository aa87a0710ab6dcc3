"""LDAP directories: a domain's `ldap.*` settings and servers, the ldap3 client, and the configuration rows.

`options` reads what a domain (or the global scope) configured, `directory` talks to the servers with
fail-over and TLS, `servers` keeps the ldap_configuration rows, `accounts` creates users from entries.
"""
