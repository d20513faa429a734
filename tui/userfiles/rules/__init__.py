"""The audit's rules, as tables of small functions (the tables are the documentation).

- `env.py`: LibreChat's .env (and Compose over it): ENV_RULES;
- `authelia.py`: Authelia's configuration: the provider, the issuer, templates
  (AUTHELIA_RULES);
- `client.py`: LibreChat's client in that configuration: CLIENT_RULES;
- `registry.py`: `@rule(codes...)`, which ties each audit code to the rules emitting it.

Each rule takes the audit run (and the oidc section or the client), adds its findings
with `run.add(...)` and returns nothing; its docstring says what it checks, and its
`@rule(...)` names every code it may add. Tables run in order: the order of a table is
the order of the findings.
"""
