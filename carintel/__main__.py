from carintel.cli import main

main()
