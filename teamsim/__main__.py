from teamsim.cli import main

main()
