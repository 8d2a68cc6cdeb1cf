from ipkb.cli import main

main()
