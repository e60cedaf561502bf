from sikkerby.cli import main

raise SystemExit(main())
