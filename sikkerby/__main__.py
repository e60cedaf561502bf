from sikkerby.cli import command

command()
