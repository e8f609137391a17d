"""The writes that cross apps. Each action is an app's own service plus what other apps keep
about it (the training roll-ups, registrations following a member, transfers ending), in one
transaction. Views, the API, jobs and commands call these; a name defined here is never
imported from the app's own service module by anyone else (tests/test_layers.py)."""
