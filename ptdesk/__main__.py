from ptdesk.app.main import main

raise SystemExit(main())
