"""Stand-ins for outside services, for development and tests; never used in production paths.

Only the development entry points (``demo.py``, the ``serve`` demo and the ``fake-immersio``
command of the CLI) and the tests import this package; ``tests/fakes/test_isolation.py``
checks it.
"""
