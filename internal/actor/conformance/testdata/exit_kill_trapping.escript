#!/usr/bin/env escript
%% exit(Pid, kill) terminates even a process that traps exits, with reason killed.
-module(exit_kill_trapping).
-mode(compile).
-export([main/1]).
-compile([nowarn_unused_function]).

%% Canonical trace helpers (the same in every scenario).
t(F, A) -> io:format(F ++ "~n", A).
r({'EXIT', R}) -> r(R);
r(R) when is_atom(R) -> R;
r(R) when is_tuple(R), tuple_size(R) > 0 -> r(element(1, R));
r(_) -> other.
quiet() -> logger:set_primary_config(level, none).
down(Pid) ->
    receive {'DOWN', _, process, Pid, R} -> r(R) after 5000 -> no_down end.
main(_) ->
    quiet(),
    Main = self(),
    {P, _} = spawn_monitor(fun() -> process_flag(trap_exit, true), Main ! ready, receive never -> ok end end),
    receive ready -> ok end,
    exit(P, kill),
    t("down ~p", [down(P)]).
