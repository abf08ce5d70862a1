"""Who is asking, and what they may see (DESIGN §8): sign-in, sessions, wall tokens, the gate in
front of every route and callback, and scope checks."""
