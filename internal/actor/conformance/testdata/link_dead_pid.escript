#!/usr/bin/env escript
%% Linking to a dead process while trapping exits gives {'EXIT', Pid, noproc}.
-module(link_dead_pid).
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
    process_flag(trap_exit, true),
    {P, _} = spawn_monitor(fun() -> ok end),
    down(P),
    link(P),
    receive {'EXIT', P, R} -> t("exit ~p", [R]) after 5000 -> t("no exit", []) end.
