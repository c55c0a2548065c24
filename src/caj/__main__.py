from caj.cli import main

main()
