"""Who is asking, and what they may see (docs/security.md): sign-in, sessions, wall tokens, the gate in
front of every route and callback, and scope checks."""
