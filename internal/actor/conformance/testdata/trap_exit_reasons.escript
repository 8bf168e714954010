#!/usr/bin/env escript
%% A process trapping exits gets {'EXIT', Pid, Reason} for normal, a crash and kill (as killed).
-module(trap_exit_reasons).
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
    B1 = spawn_link(fun() -> ok end),
    receive {'EXIT', B1, R1} -> t("exit ~p", [R1]) end,
    B2 = spawn_link(fun() -> exit(boom) end),
    receive {'EXIT', B2, R2} -> t("exit ~p", [R2]) end,
    B3 = spawn_link(fun() -> receive never -> ok end end),
    exit(B3, kill),
    receive {'EXIT', B3, R3} -> t("exit ~p", [R3]) end.
