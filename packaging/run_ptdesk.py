"""Entry script for the PyInstaller bundle."""

from ptdesk.app.main import main

raise SystemExit(main())
