from luodi.cli import main

main()
