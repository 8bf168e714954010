package actor

const notYet = "actor: not implemented yet"
