#!/usr/bin/env escript
%% exit(Pid, normal) from another process is ignored, or arrives as a message when trapping.
-module(exit_normal_other).
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
    P = spawn(fun() -> receive ping -> Main ! pong end end),
    exit(P, normal),
    P ! ping,
    receive pong -> t("not trapping: alive", []) after 5000 -> t("not trapping: dead", []) end,
    T = spawn(fun() ->
        process_flag(trap_exit, true), Main ! ready,
        receive {'EXIT', From, R} when From =:= Main -> Main ! {trapped, R} end
    end),
    receive ready -> ok end,
    exit(T, normal),
    receive {trapped, R} -> t("trapping: message ~p", [R]) after 5000 -> t("trapping: nothing", []) end.
