"""Install the top-level folders under one import namespace, ``switchboard``.

``core/`` becomes ``switchboard.core``, ``plugins/<name>/`` becomes
``switchboard.plugins.<name>``, and so on, for both ``pip install .`` and
editable installs, so the project never claims generic top-level names.
"""

from setuptools import find_packages, setup

FOLDERS = {
    "switchboard.core": "core",
    "switchboard.schema": "schema",
    "switchboard.locale": "locale",
    "switchboard.plugins": "plugins",
}

packages = []
for namespace, folder in FOLDERS.items():
    packages.append(namespace)
    packages += [f"{namespace}.{sub}" for sub in find_packages(folder)]

# ``locale/`` holds only message catalogs: it has no ``__init__.py``, so that a
# checkout on ``sys.path`` never shadows the standard library's ``locale``.
setup(
    packages=packages,
    package_dir=FOLDERS,
    package_data={"switchboard.locale": ["*/LC_MESSAGES/*.po"]},
)
