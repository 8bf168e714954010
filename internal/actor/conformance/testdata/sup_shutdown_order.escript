#!/usr/bin/env escript
%% A stopping supervisor stops its children in reverse start order: brutal_kill, a timeout that expires (killed), a timeout honoured.
-module(sup_shutdown_order).
-mode(compile).
-export([main/1]).
-compile([nowarn_unused_function]).
-behaviour(gen_server).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, terminate/2, start/1]).

%% Canonical trace helpers (the same in every scenario).
t(F, A) -> io:format(F ++ "~n", A).
r({'EXIT', R}) -> r(R);
r(R) when is_atom(R) -> R;
r(R) when is_tuple(R), tuple_size(R) > 0 -> r(element(1, R));
r(_) -> other.
quiet() -> logger:set_primary_config(level, none).
down(Pid) ->
    receive {'DOWN', _, process, Pid, R} -> r(R) after 5000 -> no_down end.
start(Id) -> gen_server:start_link(?MODULE, {worker, Id}, []).
init({worker, Id}) -> process_flag(trap_exit, true), {ok, Id};
init(sup) ->
    Spec = fun(Id, Sh) -> #{id => Id, start => {?MODULE, start, [Id]}, shutdown => Sh} end,
    {ok, {#{}, [Spec(a, brutal_kill), Spec(b, 50), Spec(c, 5000)]}}.
handle_call(_, _, Id) -> {reply, ok, Id}.
handle_cast(_, Id) -> {noreply, Id}.
handle_info(_, Id) -> {noreply, Id}.
terminate(R, b) -> t("stop b ~p begins", [r(R)]), timer:sleep(5000);
terminate(R, Id) -> t("stop ~p ~p", [Id, r(R)]).
main(_) ->
    quiet(),
    {ok, Sup} = supervisor:start_link(?MODULE, sup),
    Kids = [{Id, P} || {Id, P, _, _} <- supervisor:which_children(Sup)],
    Refs = [{erlang:monitor(process, P), Id} || {Id, P} <- Kids],
    unlink(Sup),
    ok = gen_server:stop(Sup),
    [receive {'DOWN', Ref, _, _, R} -> t("down ~p ~p", [proplists:get_value(Ref, Refs), r(R)]) end
     || _ <- Refs].
